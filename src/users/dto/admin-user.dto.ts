import { EmailField, NewPasswordField } from './credential-fields.js';

/** The register rules (contract §3.1), applied to what an admin command sets. */
export class AdminPasswordDto {
  @NewPasswordField()
  password: string;
}

export class AdminEmailDto {
  @EmailField()
  email: string;
}
