import { FieldRule, StringField } from '../../common/validation/fields.js';
import { IdParam } from '../../common/validation/ids.js';
import { EmailField, NewPasswordField, UsernameField } from './credential-fields.js';

export class UserIdParams {
  @IdParam()
  user_id: number;
}

export class UpdateUserDto {
  @UsernameField({ optional: true })
  username?: string;

  @EmailField({ optional: true })
  email?: string;

  @NewPasswordField({ optional: true })
  password?: string;

  @StringField({ optional: true, minLength: 1, maxLength: 1024, format: 'password' })
  @FieldRule((value, field, dto) =>
    value === undefined && (dto.password !== undefined || dto.email !== undefined)
      ? `${field} is required to change email or password`
      : null,
  )
  current_password?: string;
}
