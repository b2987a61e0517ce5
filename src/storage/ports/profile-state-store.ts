export interface ProfileState {
  name: string;
  verifiedAt: number | null;
  verifiedFingerprint: string | null;
  pausedUntil: number | null;
  pauseReason: string | null;
}

export interface ProfileStateStore {
  /** A profile never written reads as blank: not verified, not paused. */
  get(name: string): Promise<ProfileState>;
  /** Every profile written so far, by name. */
  all(): Promise<ProfileState[]>;
  markVerified(name: string, fingerprint: string, at: number): Promise<void>;
  /** Pauses delivery for a profile until `until` (a credentials or TLS problem). */
  pause(name: string, until: number, reason: string): Promise<void>;
  /** Clears the pause, keeping the verification; a profile not paused is left as it is. */
  resume(name: string): Promise<void>;
}
