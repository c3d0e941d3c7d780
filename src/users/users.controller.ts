import { Controller, Get, Patch } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { JsonBody, PathParams } from '../http/request-arguments.js';
import { CurrentUser } from '../common/decorators/current-user.decorator.js';
import { ApiErrorResponses } from '../http/api-error-responses.js';
import { ApiAuth } from '../http/swagger.js';
import { UpdateUserDto, UserIdParams } from './dto/update-user.dto.js';
import { PublicUserDto, SelfUserDto, toPublicUser, toSelfUser } from './dto/user-responses.dto.js';
import type { User } from './entities/user.entity.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@ApiAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get(':user_id')
  @ApiOperation({ summary: 'A user: the full view for yourself, the public view for others' })
  @ApiOkResponse({ type: SelfUserDto, description: 'SelfUser for yourself, else PublicUser' })
  @ApiErrorResponses(401, 404, 422)
  async findOne(
    @PathParams() { user_id }: UserIdParams,
    @CurrentUser() viewer: User,
  ): Promise<SelfUserDto | PublicUserDto> {
    const user = await this.users.getById(user_id);
    return user.id === viewer.id ? toSelfUser(user) : toPublicUser(user);
  }

  @Patch(':user_id')
  @ApiOperation({
    summary: 'Change your username, email or password (current_password for email/password)',
  })
  @ApiOkResponse({ type: SelfUserDto })
  @ApiErrorResponses(400, 401, 403, 404, 409, 413, 415, 422)
  async update(
    @PathParams() { user_id }: UserIdParams,
    @JsonBody() changes: UpdateUserDto,
    @CurrentUser() actor: User,
  ): Promise<SelfUserDto> {
    return toSelfUser(await this.users.update(user_id, actor, changes));
  }
}
