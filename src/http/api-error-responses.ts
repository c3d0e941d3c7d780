import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiResponse } from '@nestjs/swagger';

export class ErrorResponseDto {
  @ApiProperty({ description: 'Human-readable reason', example: 'Week not found' })
  detail: string;
}

class ValidationIssueDto {
  @ApiProperty({ type: String, nullable: true, description: 'Wire name; null for the whole body' })
  field: string | null;

  @ApiProperty({ enum: ['body', 'query', 'path'] })
  location: string;

  @ApiProperty({ example: 'notes must be at most 2000 characters' })
  message: string;
}

export class ValidationErrorResponseDto extends ErrorResponseDto {
  @ApiProperty({ type: [ValidationIssueDto] })
  errors: ValidationIssueDto[];
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed JSON body',
  401: 'Not authenticated, or the token is invalid, expired, or its user is gone or inactive',
  403: 'Authenticated but not allowed',
  404: 'Not found',
  409: 'Conflicts with existing data',
  413: 'Request body too large (over 100 KiB)',
  415: 'Content-Type must be application/json',
  422: 'Validation failed; `errors` lists every problem',
  429: 'Too many requests; see Retry-After',
  502: 'Upstream sent an invalid response or could not be reached',
  503: 'Upstream unavailable; may carry Retry-After',
  504: 'Upstream did not respond in time',
};

/** Documents the error responses a route can give, each with the `{"detail"}` schema. */
export function ApiErrorResponses(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...[...statuses, 500].map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? 'Internal server error',
        type: status === 422 ? ValidationErrorResponseDto : ErrorResponseDto,
      }),
    ),
  );
}
