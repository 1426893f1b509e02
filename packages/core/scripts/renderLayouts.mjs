// Regenerates the ASCII layout diagrams inside the layout files from the layouts
// themselves. Run after changing a schema: `pnpm layouts`. A test fails while they differ.
import * as c from '../dist/index.js';
import fs from 'node:fs';
const files = {
  [new URL('../src/layout/OrderLayout.ts', import.meta.url).pathname]: c.ORDER_LAYOUT,
  [new URL('../src/layout/ExecutionEventLayout.ts', import.meta.url).pathname]: c.EXECUTION_EVENT_LAYOUT,
  [new URL('../src/layout/InstrumentLayout.ts', import.meta.url).pathname]: c.INSTRUMENT_LAYOUT,
};
for (const [f, layout] of Object.entries(files)) {
  let s = fs.readFileSync(f, 'utf8');
  const diagram = c.renderLayoutDiagram(layout).split('\n').map((l) => (' * ' + l).trimEnd()).join('\n');
  s = s.replace(/ \* DIAGRAM-BEGIN\n[\s\S]*? \* DIAGRAM-END/, ` * DIAGRAM-BEGIN\n${diagram}\n * DIAGRAM-END`);
  fs.writeFileSync(f, s);
}
