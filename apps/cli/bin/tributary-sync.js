#!/usr/bin/env node
// Committed launcher so npm links the bin at install time (dist/ only exists after a build).
import('../dist/bin/tributary-sync.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
    console.error('tributary-sync is not built yet: run `npm run build` in the repository first');
    process.exit(2);
  }
  throw err;
});
