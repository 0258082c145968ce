/**
 * The workbench's top-level views, their hash routes (`#/runs`) and keyboard shortcuts: the desktop
 * menu (shell/menu.ts) opens them, and the renderer's router reads the same routes.
 */
export const VIEWS = [
  { id: 'runs', label: 'Runs', key: '1' },
  { id: 'new', label: 'New run', key: '2' },
  { id: 'compare', label: 'Compare', key: '3' },
  { id: 'diagnostics', label: 'Diagnostics', key: '4' },
] as const;

export type ViewId = (typeof VIEWS)[number]['id'];

export function viewHash(id: ViewId): string {
  return `#/${id}`;
}
