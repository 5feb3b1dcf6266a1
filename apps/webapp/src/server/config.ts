import { loadConfig, webappEnvSchema, type WebappConfig } from '@tributary/config';

let config: WebappConfig | undefined;

/** The web UI server's settings (libs/config), read once; a bad variable fails the first request with its name. */
export function webappConfig(): WebappConfig {
  config ??= loadConfig(webappEnvSchema, process.env);
  return config;
}
