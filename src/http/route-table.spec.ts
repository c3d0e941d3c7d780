import type { OpenAPIObject } from '@nestjs/swagger';
import { RouteTable } from './route-table.js';

const document = {
  openapi: '3.0.0',
  info: { title: 't', version: '1' },
  paths: {
    '/api/users/{user_id}': { get: {}, patch: {}, parameters: [] },
    '/api/weeks/current': { get: {} },
    '/api/weeks/{week_id}': { patch: {}, delete: {} },
    '/api/auth/login': { post: {} },
  },
} as unknown as OpenAPIObject;

describe(RouteTable.name, () => {
  const table = new RouteTable(document, ['/openapi.json']);

  it('lists the methods of every matching route, with HEAD beside GET', () => {
    expect(table.allowedMethods('/api/users/7')).toEqual(['GET', 'HEAD', 'PATCH']);
    expect(table.allowedMethods('/api/weeks/current')).toEqual(['DELETE', 'GET', 'HEAD', 'PATCH']);
    expect(table.allowedMethods('/api/auth/login')).toEqual(['POST']);
    expect(table.allowedMethods('/openapi.json')).toEqual(['GET', 'HEAD']);
  });

  it('matches as Express 5 does: any case, one optional trailing slash', () => {
    expect(table.hasRoute('get', '/API/Users/7/')).toBe(true);
    expect(table.hasRoute('GET', '/api/users/7//')).toBe(false);
  });

  it('takes one non-empty segment for a parameter', () => {
    expect(table.allowedMethods('/api/users/')).toEqual([]);
    expect(table.allowedMethods('/api/users/7/extra')).toEqual([]);
    expect(table.allowedMethods('/api/users/a%2Fb')).toEqual(['GET', 'HEAD', 'PATCH']);
  });

  it('treats literal dots as dots', () => {
    expect(table.allowedMethods('/openapiXjson')).toEqual([]);
  });

  it('names the template serving a request, preferring a literal segment, for the metrics', () => {
    expect(table.templateOf('GET', '/api/users/7')).toBe('/api/users/{user_id}');
    expect(table.templateOf('HEAD', '/api/users/7')).toBe('/api/users/{user_id}');
    expect(table.templateOf('GET', '/api/weeks/current')).toBe('/api/weeks/current');
    expect(table.templateOf('PATCH', '/api/weeks/current')).toBe('/api/weeks/{week_id}');
    expect(table.templateOf('POST', '/api/weeks/current')).toBeNull();
    expect(table.templateOf('GET', '/nowhere')).toBeNull();
  });
});
