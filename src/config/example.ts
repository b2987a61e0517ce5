/**
 * The commented vigil.yaml that `vigil init` writes. It works as it is on a fresh machine:
 * notifications go to a Maildir under dataDir until a real server is configured.
 */
export const EXAMPLE_CONFIG = `# Vigil configuration. Check it with: vigil config check
# Full reference: docs/configuration.md

dataDir: ./var                 # database, Maildir and the builtin engine's default vault

mail:
  profile: local               # the Mail Profile notifications use
  # clientsSupported: [msmtp, ssmtp, postfix, exim, opensmtpd, nullmailer, dma, sendmail]
  # usingSpooler: false
  # stuckAfter: 1h

profiles:                      # Mail Profiles
  # Embedded default: messages are written into <dataDir>/mailbox (a Maildir any mail client
  # reads). Nothing leaves this machine until you configure a server below.
  local:
    method: maildir
    from: "Vigil <vigil@localhost>"
    addressBook:
      admins: [root@localhost]

  # Direct SMTP, the recommended method. Then set mail.profile: office and run
  #   vigil mail test --profile office
  # office:
  #   method: smtp
  #   from: "Vigil on fileserver <backup@example.com>"
  #   servers:                 # tried in this order
  #     - host: smtp.example.com
  #       port: 587
  #       security: starttls   # starttls | tls | none
  #       auth: { user: backup@example.com, pass: { env: SMTP_PASS } }   # or { file: /etc/vigil/smtp.pass }
  #       # tls: { caFile: /etc/vigil/ca.pem }   # trust a private CA
  #   timeoutSeconds: 30
  #   addressBook:
  #     admins: [ops@example.com]
  #     oncall: [5551234567@pager.example.com]

notification:
  admins: [admins]             # critical faults and summaries go here
  # pager: [oncall]            # short alerts for critical failures
  # defaults:
  #   on: [failed, incomplete, completed-with-errors, missed]
  #   detail: errors

# outbox:                      # retries back off like Postfix: delay = message age, clamped
#   minBackoff: 5m
#   maxBackoff: 4000s
#   maxAge: 5d

admin:                         # summaries to notification.admins, sent even when all is well
  daily: "20:00"               # Daily Admin: summary of the last day + missed-backup watchdog
  weekly: "fri 20:00"          # Weekly Admin: summary of the week + vault checks, housekeeping
  # timezone: Europe/Berlin    # default: the host's

sets: {}
  # documents:
  #   engine: builtin
  #   paths: [/srv/documents]
  #   schedule: "0 2 * * *"
`;
