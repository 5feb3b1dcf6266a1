/** The connector's specification: the form users fill in for a Postgres destination. */
import type { ConnectorSpecification } from '@tributary/protocol';

export const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type SslModeName = (typeof SSL_MODES)[number];

const sslModeOption = (
  mode: SslModeName,
  title: string,
  description: string,
  extra: Record<string, unknown> = {},
  required: string[] = [],
) => ({
  title,
  description,
  type: 'object',
  required: ['mode', ...required],
  properties: { mode: { type: 'string', const: mode, order: 0 }, ...extra },
});

const caCertificate = {
  type: 'string',
  title: 'CA certificate',
  description: 'PEM certificate of the authority that signed the server certificate.',
  airbyte_secret: true,
  multiline: true,
  order: 1,
};
const clientCertificate = {
  client_certificate: {
    type: 'string',
    title: 'Client certificate',
    description: 'PEM client certificate, when the server asks for one.',
    airbyte_secret: true,
    multiline: true,
    order: 2,
  },
  client_key: {
    type: 'string',
    title: 'Client key',
    description: 'PEM private key of the client certificate.',
    airbyte_secret: true,
    multiline: true,
    order: 3,
  },
  client_key_password: {
    type: 'string',
    title: 'Client key password',
    description: 'Password of an encrypted client key.',
    airbyte_secret: true,
    order: 4,
  },
};

export const destinationPostgresSpec: ConnectorSpecification = {
  supportsIncremental: true,
  supported_destination_sync_modes: ['overwrite', 'append', 'append_dedup'],
  connectionSpecification: {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Postgres Destination Spec',
    type: 'object',
    required: ['host', 'port', 'database', 'username'],
    additionalProperties: true,
    properties: {
      host: { type: 'string', title: 'Host', description: 'Hostname of the database.', order: 0 },
      port: {
        type: 'integer',
        title: 'Port',
        description: 'Port of the database.',
        default: 5432,
        minimum: 1,
        maximum: 65535,
        examples: ['5432'],
        order: 1,
      },
      database: { type: 'string', title: 'Database', description: 'Name of the database.', order: 2 },
      username: { type: 'string', title: 'User', description: 'Username to use to access the database.', order: 3 },
      password: {
        type: 'string',
        title: 'Password',
        description: 'Password associated with the username.',
        airbyte_secret: true,
        order: 4,
      },
      schema: {
        type: 'string',
        title: 'Default schema',
        description:
          'Schema for streams without a namespace; streams with a namespace go to the schema of that name. Created when missing.',
        default: 'public',
        examples: ['public'],
        order: 5,
      },
      ssl_mode: {
        type: 'object',
        title: 'SSL mode',
        description: 'How the connection is encrypted. "prefer" uses TLS when the server offers it.',
        order: 6,
        oneOf: [
          sslModeOption('disable', 'disable', 'Never use TLS.'),
          sslModeOption('allow', 'allow', 'Plain connection first; TLS if the server requires it.'),
          sslModeOption('prefer', 'prefer', 'TLS when the server supports it; the certificate is not verified.'),
          sslModeOption('require', 'require', 'Always TLS; the certificate is not verified.'),
          sslModeOption(
            'verify-ca',
            'verify-ca',
            'Always TLS; the certificate must be signed by the given CA.',
            { ca_certificate: caCertificate, ...clientCertificate },
            ['ca_certificate'],
          ),
          sslModeOption(
            'verify-full',
            'verify-full',
            'Always TLS; the certificate must be signed by the CA and match the host name.',
            { ca_certificate: caCertificate, ...clientCertificate },
            ['ca_certificate'],
          ),
        ],
      },
      raw_data: {
        type: 'boolean',
        title: 'Keep each raw record',
        description:
          'Also store every record whole, as JSON, in the _airbyte_data column. Off: the typed columns hold the data, and _airbyte_data is filled only in rows where a value did not fit its column (it was stored as NULL), so nothing is lost; loading is about twice as fast and tables are smaller.',
        default: false,
        order: 7,
      },
    },
  },
};
