import { Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { JsonBody } from '../http/request-arguments.js';
import { ApiErrorResponses } from '../http/api-error-responses.js';
import { ApiAuth } from '../http/swagger.js';
import { SelfUserDto, toSelfUser } from '../users/dto/user-responses.dto.js';
import type { User } from '../users/entities/user.entity.js';
import { LoginThrottleGuard } from './login-throttle.js';
import { AuthService } from './auth.service.js';
import { CurrentUser } from '../common/decorators/current-user.decorator.js';
import { Public } from '../http/public.decorator.js';
import { LoginDto, RefreshTokenDto, RegisterDto, TokenPairDto } from './dto/auth.dto.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @UseGuards(LoginThrottleGuard)
  @Post('register')
  @ApiOperation({
    summary: 'Create an account (no tokens are issued); REGISTRATION decides who may',
  })
  @ApiCreatedResponse({ type: SelfUserDto })
  @ApiErrorResponses(400, 403, 409, 413, 415, 422, 429)
  async register(@JsonBody() body: RegisterDto): Promise<SelfUserDto> {
    return toSelfUser(await this.auth.register(body));
  }

  @Public()
  @UseGuards(LoginThrottleGuard)
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in with username or email; JSON or the OAuth2 password form' })
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiOkResponse({ type: TokenPairDto })
  @ApiErrorResponses(400, 401, 403, 413, 415, 422, 429)
  login(@JsonBody() body: LoginDto): Promise<TokenPairDto> {
    return this.auth.login(body.username, body.password);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a refresh token for a new pair (the old one is rotated out)' })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiErrorResponses(400, 401, 413, 415, 422)
  refresh(@JsonBody() body: RefreshTokenDto): Promise<TokenPairDto> {
    return this.auth.refresh(body.refresh_token);
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a refresh token (idempotent)' })
  @ApiNoContentResponse({ description: 'Revoked, or already unusable' })
  @ApiErrorResponses(400, 413, 415, 422)
  async logout(@JsonBody() body: RefreshTokenDto): Promise<void> {
    await this.auth.logout(body.refresh_token);
  }

  @Get('me')
  @ApiAuth()
  @ApiOperation({ summary: 'The authenticated user' })
  @ApiOkResponse({ type: SelfUserDto })
  @ApiErrorResponses(401)
  me(@CurrentUser() user: User): SelfUserDto {
    return toSelfUser(user);
  }
}
