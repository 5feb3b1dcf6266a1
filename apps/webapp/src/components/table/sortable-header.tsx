'use client';

import type { ReactNode } from 'react';

/** What a header needs of a TanStack Table column that can sort (any table's column fits). */
export interface SortableColumn {
  getCanSort(): boolean;
  getIsSorted(): false | 'asc' | 'desc';
  getToggleSortingHandler(): undefined | ((event: unknown) => void);
}

const ARIA_SORT = { asc: 'ascending', desc: 'descending' } as const;

/**
 * A column header. When its column sorts, the label is a button (keyboard reachable) that
 * cycles ascending, descending, unsorted; the state is in aria-sort for screen readers.
 */
export function SortableHeader({
  column,
  children,
  className,
}: {
  column: SortableColumn | undefined;
  children: ReactNode;
  className?: string;
}) {
  if (!column?.getCanSort()) return <th className={className}>{children}</th>;
  const sorted = column.getIsSorted();
  return (
    <th className={className} aria-sort={sorted ? ARIA_SORT[sorted] : 'none'}>
      <button type="button" className="sort" onClick={column.getToggleSortingHandler()}>
        {children}
        <span aria-hidden="true" className="sort-mark">
          {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : '↕'}
        </span>
      </button>
    </th>
  );
}
