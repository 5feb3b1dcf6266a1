'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { listDefinitions, type ActorKind, type Definition } from '@/lib/actors';
import { installLabel } from '@/lib/installs';
import { CustomConnectorForm } from './custom-connector-form';
import { Empty, ErrorState, Loading } from './states';

function runtimeOf(d: Definition): string {
  const r = d.runtime;
  switch (r.kind) {
    case 'pypi':
      return `PyPI ${r.package}==${r.version}`;
    case 'npm':
      return `npm ${r.package}@${r.version}`;
    case 'builtin':
      return 'built in';
    case 'command':
      return `command ${r.command}`;
  }
}

/** Every source and destination connector, searchable; each leads to its setup form. */
export function Catalog() {
  const sources = useQuery({ queryKey: ['definitions', 'source'], queryFn: () => listDefinitions('source') });
  const destinations = useQuery({ queryKey: ['definitions', 'destination'], queryFn: () => listDefinitions('destination') });
  const [search, setSearch] = useState('');
  const matches = (d: Definition) => d.name.toLowerCase().includes(search.trim().toLowerCase());
  const section = (kind: ActorKind, query: typeof sources) => (
    <section>
      <h2>{kind === 'source' ? 'Sources' : 'Destinations'}</h2>
      {query.isPending ? <Loading what="connectors" /> : null}
      {query.isError ? <ErrorState error={query.error} what="connectors" /> : null}
      {query.data ? (
        <table>
          <thead>
            <tr>
              <th>Connector</th>
              <th>Version</th>
              <th>Runtime</th>
              <th>Install</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {query.data.filter(matches).map((d) => (
              <tr key={d.id}>
                <td>
                  <strong>{d.name}</strong>
                  {d.custom ? <span className="badge never"> custom</span> : null}
                  {d.documentationUrl ? (
                    <div className="small">
                      <a href={d.documentationUrl} target="_blank" rel="noreferrer">
                        docs
                      </a>
                    </div>
                  ) : null}
                </td>
                <td>{d.version}</td>
                <td className="small">{runtimeOf(d)}</td>
                <td className="small">{installLabel(d)}</td>
                <td>
                  <Link href={`/${kind}s/new?definitionId=${d.id}`}>Set up</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {query.data && !query.data.some(matches) ? <Empty>No connector matches “{search.trim()}”.</Empty> : null}
    </section>
  );
  return (
    <>
      <div className="page-header">
        <h1>Connector catalog</h1>
      </div>
      <CustomConnectorForm />
      <label style={{ maxWidth: 360, marginTop: '1rem' }}>
        Search connectors
        <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="postgres, faker…" />
      </label>
      {section('source', sources)}
      {section('destination', destinations)}
    </>
  );
}
