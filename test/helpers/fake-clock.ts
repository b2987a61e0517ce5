import type { Clock } from '../../src/domain/clock.js';

/** A clock tests move by hand, forwards and backwards. */
export class FakeClock implements Clock {
  constructor(private time = Date.parse('2026-11-20T10:00:00Z')) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
  set(ms: number): void {
    this.time = ms;
  }
}
