import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { hostHeaderName, hostRefusal, isLoopbackHost, servedHostNames } from '../../../../main/server/hostCheck';

describe('hostCheck', () => {
  it('reads the name of a Host header, with or without port, IPv6 brackets and case', () => {
    expect(hostHeaderName('Example.ORG:8080')).toBe('example.org');
    expect(hostHeaderName('[::1]:9')).toBe('::1');
    expect(hostHeaderName('localhost.')).toBe('localhost');
    expect(hostHeaderName('')).toBeUndefined();
    expect(hostHeaderName(undefined)).toBeUndefined();
    expect(hostHeaderName('a b:c')).toBeUndefined();
  });

  it('knows the loopback names', () => {
    for (const host of ['localhost', 'app.localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '192.168.1.2', 'localhost.evil.example', '128.0.0.1', '::']) expect(isLoopbackHost(host), host).toBe(false);
  });

  it('serves loopback plus the bound address, or every interface and the host name for a wildcard bind, plus --allow-host names', () => {
    expect(servedHostNames('127.0.0.1')).toEqual(['localhost', '127.0.0.1', '::1']);
    expect(servedHostNames('192.168.7.7', ['Proxy.Example'])).toEqual(['localhost', '127.0.0.1', '::1', '192.168.7.7', 'proxy.example']);
    const wildcard = servedHostNames('0.0.0.0');
    expect(wildcard).toContain(os.hostname().toLowerCase());
    for (const address of Object.values(os.networkInterfaces()).flat()) if (address) expect(wildcard).toContain(address.address.toLowerCase());
  });

  it('refuses other names, a missing Host and garbage, naming what it received', () => {
    const served = servedHostNames('127.0.0.1');
    expect(hostRefusal('127.0.0.1:5000', served)).toBeUndefined();
    expect(hostRefusal('localhost', served)).toBeUndefined();
    expect(hostRefusal('rebind.attacker.example:5000', served)).toMatch(/^Forbidden: .*Received: Host="rebind\.attacker\.example:5000"\..*--allow-host rebind\.attacker\.example/);
    expect(hostRefusal(undefined, served)).toMatch(/Received: no Host header\.$/);
    expect(hostRefusal('a b', served)).toMatch(/Received: Host="a b"\.$/);
  });
});
