import { ApiError } from '../common/api-error.js';
import { InvitesService } from '../invites/invites.service.js';
import { UserAdminService } from '../users/user-admin.service.js';
import { VerdictsService } from '../verdicts/verdicts.service.js';
import { WeeksService } from '../weeks/weeks.service.js';
import { CommandError, type Command, type CommandIo } from './command.js';

const USAGE =
  'usage: npm run users -- list | invite | activate <username> | deactivate <username> | ' +
  'set-password <username> (the password on standard input) | set-email <username> <email>';

/** `npm run users -- …` (portability.md §2.5). */
export const usersCommand: Command = async (open, [action, ...args], io) => {
  const app = await open();
  const admin = app.get(UserAdminService);
  const expect = (count: number) => {
    if (args.length !== count) throw new CommandError(USAGE);
    return args;
  };
  try {
    switch (action) {
      case 'list':
        expect(0);
        return await list(admin, app.get(WeeksService), app.get(VerdictsService), io);
      case 'invite': {
        expect(0);
        const { invite, code } = await app.get(InvitesService).create(null);
        // The code last, so a script can take the last word of the last line.
        io.out(`invite valid until ${invite.expiresAt.toISOString()}: ${code}`);
        return;
      }
      case 'activate':
      case 'deactivate': {
        const [username] = expect(1);
        const user = await admin.setActive(username, action === 'activate');
        io.out(`${user.username}: ${user.isActive ? 'active' : 'inactive, sessions revoked'}`);
        return;
      }
      case 'set-password': {
        const [username] = expect(1);
        const password = await io.readLine();
        if (password === null) throw new CommandError('no password on standard input');
        await admin.setPassword(username, password);
        io.out(`${username}: password set, sessions revoked`);
        return;
      }
      case 'set-email': {
        const [username, email] = expect(2);
        io.out(`${username}: email set to ${await admin.setEmail(username, email)}`);
        return;
      }
      default:
        throw new CommandError(USAGE);
    }
  } catch (error) {
    // The rules are the API's; their messages read as well on a terminal.
    throw error instanceof ApiError ? new CommandError(error.detail) : error;
  }
};

/** Users know nothing of weeks and verdicts; the command puts the counts beside them. */
async function list(
  admin: UserAdminService,
  weeks: WeeksService,
  verdicts: VerdictsService,
  io: CommandIo,
): Promise<void> {
  const [users, owned, given] = await Promise.all([
    admin.list(),
    weeks.ownedCounts(),
    verdicts.givenCounts(),
  ]);
  const rows = [
    ['id', 'username', 'email', 'active', 'created', 'weeks', 'verdicts'],
    ...users.map((user) => [
      String(user.id),
      user.username,
      user.email,
      user.isActive ? 'yes' : 'no',
      user.createdAt.toISOString(),
      String(owned.get(user.id) ?? 0),
      String(given.get(user.id) ?? 0),
    ]),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  for (const row of rows)
    io.out(
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    );
}
