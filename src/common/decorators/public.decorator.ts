import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'isPublic';

/** Opts a route out of the global JWT guard; the Authorization header is then ignored entirely. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
