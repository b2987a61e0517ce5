/**
 * A vault's `url` (docs/vaults.md): a plain path is a local directory; `sftp://user@host:port/abs/path`
 * an SFTP server (the path is absolute on the server); `s3://endpoint/bucket/prefix` an S3-compatible
 * bucket over HTTPS (`s3+http://` over plain HTTP, for a server on this machine or a private net).
 */
export type VaultUrl =
  | { kind: 'local'; path: string }
  | { kind: 'sftp'; host: string; port: number; username: string; path: string }
  | { kind: 's3'; endpoint: string; bucket: string; prefix: string };

/** Parses a vault url; a string is the problem, in words that say what to write instead. */
export function parseVaultUrl(url: string): VaultUrl | string {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: 'local', path: url };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${JSON.stringify(url)} is not a valid URL; write e.g. sftp://backup@vault.example.com:22/srv/vaults/fs01`;
  }
  if (parsed.password) return 'a vault url must not contain a password; use identityFile (sftp) or accessKeyId/secretAccessKey (s3)';
  const path = decodeURIComponent(parsed.pathname);
  if (scheme === 'sftp') {
    if (!parsed.username) return `${JSON.stringify(url)} names no user; write sftp://USER@HOST:PORT/absolute/path`;
    if (path === '' || path === '/') return `${JSON.stringify(url)} names no directory; write sftp://USER@HOST:PORT/absolute/path (the path is absolute on the server)`;
    return { kind: 'sftp', host: parsed.hostname.replace(/^\[|\]$/g, ''), port: parsed.port ? Number(parsed.port) : 22, username: decodeURIComponent(parsed.username), path: path.replace(/\/+$/, '') };
  }
  if (scheme === 's3' || scheme === 's3+http') {
    const [bucket, ...rest] = path.split('/').filter(Boolean);
    if (!bucket) return `${JSON.stringify(url)} names no bucket; write s3://ENDPOINT/BUCKET/optional/prefix`;
    const protocol = scheme === 's3' ? 'https' : 'http';
    return { kind: 's3', endpoint: `${protocol}://${parsed.host}`, bucket, prefix: rest.join('/') };
  }
  return `${JSON.stringify(url)}: unknown scheme ${scheme}://; a vault url is a path, sftp://… or s3://…`;
}
