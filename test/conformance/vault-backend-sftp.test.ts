import { SftpBackend } from '../../src/backup/engines/builtin/backend/sftp-backend.js';
import { SshdPeer } from '../helpers/sshd-peer.js';
import { vaultBackendSuite } from './vault-backend.suite.js';

vaultBackendSuite('SFTP (OpenSSH sshd on loopback)', async () => {
  const sshd = new SshdPeer();
  await sshd.start();
  const target = sshd.target(sshd.remoteDir('vault'));
  return {
    backend: new SftpBackend(target, 4), // several connections, as a vault has by default
    other: async () => new SftpBackend(target),
    cleanup: () => sshd.cleanup(),
  };
});
