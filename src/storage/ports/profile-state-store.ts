export interface ProfileState {
  name: string;
  verifiedAt: number | null;
  verifiedFingerprint: string | null;
  pausedUntil: number | null;
  pauseReason: string | null;
}

export interface ProfileStateStore {
  get(name: string): Promise<ProfileState>;
  all(): Promise<ProfileState[]>;
  markVerified(name: string, fingerprint: string, at: number): Promise<void>;
  /** Pauses delivery for a profile until `until` (a credentials or TLS problem). */
  pause(name: string, until: number, reason: string): Promise<void>;
  resume(name: string): Promise<void>;
}
