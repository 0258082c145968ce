/**
 * Dashboard addresses and what may be sent where: ray:// and http(s) URLs normalise to one name,
 * credentials never ride in an address, and plain HTTP off this machine needs consent and a warning.
 */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src-main/contract';
import { checkTransport, isLoopbackHost, parseRayAddress } from '../../../src-main/lab/remote/address';

describe('Ray dashboard addresses', () => {
  it('normalises ray://, http:// and https:// addresses', () => {
    expect(parseRayAddress('ray://127.0.0.1:8265')).toEqual({
      display: 'ray://127.0.0.1:8265',
      baseUrl: 'http://127.0.0.1:8265',
      https: false,
      loopback: true,
    });
    expect(parseRayAddress(' http://localhost:9000/ ').display).toBe('ray://localhost:9000');
    expect(parseRayAddress('ray://head').baseUrl).toBe('http://head:8265');
    expect(parseRayAddress('https://ray.example.org/cluster-a/')).toMatchObject({
      display: 'https://ray.example.org/cluster-a',
      baseUrl: 'https://ray.example.org/cluster-a',
      https: true,
      loopback: false,
    });
    expect(parseRayAddress('ray://[::1]:8265')).toMatchObject({ baseUrl: 'http://[::1]:8265', loopback: true });
  });

  it('refuses what is not a dashboard address, naming the field', () => {
    for (const bad of ['127.0.0.1:8265', 'ftp://x:1', 'ray://', 'ray://h:1/path', 'http://h:1/?a=b', 'ray://h:99999']) {
      const err = (() => {
        try {
          parseRayAddress(bad, 'job.target');
        } catch (e) {
          return e;
        }
      })() as ApiError;
      expect(err, bad).toBeInstanceOf(ApiError);
      expect(err.fields?.[0].path).toBe('job.target');
    }
  });

  it('keeps credentials out of addresses (they would be shown and stored)', () => {
    expect(() => parseRayAddress('https://user:s3cret@ray.example.org')).toThrow(/credentials/);
    try {
      parseRayAddress('https://user:s3cret@ray.example.org');
    } catch (err) {
      expect((err as Error).message).not.toContain('s3cret');
    }
  });

  it('tells loopback hosts from others', () => {
    for (const host of ['127.0.0.1', '127.8.9.1', 'localhost', 'LOCALHOST', 'a.localhost', '::1', '[::1]']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ['10.0.0.5', '128.0.0.1', 'localhost.example.org', '::2', 'ray-head']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });

  it('needs consent for plain HTTP to another machine, and warns when given it', () => {
    expect(checkTransport(parseRayAddress('ray://127.0.0.1:8265'), false)).toEqual([]);
    expect(checkTransport(parseRayAddress('https://10.0.0.5:8265'), false)).toEqual([]);
    const remote = parseRayAddress('ray://10.0.0.5:8265');
    expect(() => checkTransport(remote, false, 'job.allowInsecureHttp')).toThrow(/no authentication.*--insecure-http/s);
    const [warning] = checkTransport(remote, true);
    expect(warning).toMatch(/ray:\/\/10\.0\.0\.5:8265: plain HTTP.*no authentication/);
  });
});
