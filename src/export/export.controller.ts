import { applyDecorators, Controller, Get, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../common/decorators/current-user.decorator.js';
import { ApiErrorResponses } from '../http/api-error-responses.js';
import { ApiAuth } from '../http/swagger.js';
import type { User } from '../users/entities/user.entity.js';
import { ExportService, type ExportFile } from './export.service.js';

/** A streamed download, documented as a file of `type` (errors stay JSON, as everywhere). */
const Download = (type: string, summary: string, description: string) =>
  applyDecorators(
    ApiOperation({ summary, description }),
    ApiResponse({
      status: 200,
      description: 'The file, as an attachment (Content-Disposition names it, with the UTC date)',
      content: { [type]: { schema: { type: 'string', format: 'binary' } } },
    }),
    ApiErrorResponses(401),
  );

/** Streams an export with its content type and attachment name (portability.md §1). */
function attachment(file: ExportFile): StreamableFile {
  return new StreamableFile(file.stream, {
    type: file.type,
    disposition: `attachment; filename="${file.name}"`,
  });
}

@ApiTags('export')
@ApiAuth()
@Controller()
export class ExportController {
  constructor(private readonly exports: ExportService) {}

  @Get('export.json')
  @Download(
    'application/json',
    "The group's whole history as JSON (wrong-opinions-YYYY-MM-DD.json)",
    'Users (by username, no email, hash or token), weeks with their picks and verdicts, and every ' +
      'picked movie and album with all that is stored about it. Importable with `npm run import`.',
  )
  json(): StreamableFile {
    return attachment(this.exports.json('api'));
  }

  @Get('export/picks.csv')
  @Download(
    'text/csv',
    'Every pick as CSV for spreadsheets (wrong-opinions-picks-YYYY-MM-DD.csv)',
    'RFC 4180, CRLF, UTF-8 with a byte-order mark; a cell starting with =, +, -, @, tab or CR ' +
      "is prefixed with '. Ratings of the whole group, and your own rating and review.",
  )
  picks(@CurrentUser() user: User): StreamableFile {
    return attachment(this.exports.picksCsv(user));
  }

  @Get('export/letterboxd.csv')
  @Download(
    'text/csv',
    "Your movie verdicts for Letterboxd's importer (wrong-opinions-letterboxd-YYYY-MM-DD.csv)",
    'tmdbID,Title,Year,WatchedDate,Rating10,Review in diary order; RFC 4180, no byte-order mark.',
  )
  letterboxd(@CurrentUser() user: User): StreamableFile {
    return attachment(this.exports.letterboxdCsv(user));
  }
}
