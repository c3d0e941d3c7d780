import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Configuration } from '../config/configuration.js';
import { InvitesModule } from '../invites/invites.module.js';
import { UsersModule } from '../users/users.module.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { ThrottleWindow } from './entities/throttle-window.entity.js';
import { JwtAuthGuard } from './jwt-auth.guard.js';
import { LoginThrottleGuard } from './login-throttle.js';
import { AccessTokens, JWT_ALGORITHM } from './access-tokens.js';
import { RefreshTokensService } from './refresh-tokens.service.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([ThrottleWindow]),
    UsersModule,
    InvitesModule,
    JwtModule.registerAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<Configuration, true>) => ({
        secret: config.get('auth', { infer: true }).secretKey,
        signOptions: { algorithm: JWT_ALGORITHM },
        verifyOptions: { algorithms: [JWT_ALGORITHM] },
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    RefreshTokensService,
    AccessTokens,
    LoginThrottleGuard,
    { provide: APP_GUARD, useClass: JwtAuthGuard },
  ],
})
export class AuthModule {}
