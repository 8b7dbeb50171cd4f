// The table of the Team and API keys pages: a name column first, an
// actions column last, the page's own columns between.
import type { ComponentChildren } from 'preact';

export function AccessTable({ columns, children }: { columns: ComponentChildren; children: ComponentChildren }) {
  return (
    <div class="table-wrap">
      <table class="table access-table">
        <thead>
          <tr>
            <th>Name</th>
            {columns}
            <th class="col-actions">
              <span class="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
