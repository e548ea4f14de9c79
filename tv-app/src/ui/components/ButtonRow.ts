// A horizontal row of pill buttons (hero actions, event actions, the header's menu):
// a FocusRow for the page's grid.
import { Lightning } from '@lightningjs/sdk';
import { Button } from './StatusView.ts';
import { setTestId } from '../test-id.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

export interface ButtonSpec {
  id: string;
  label: string;
}

export class ButtonRow extends Lightning.Component<Loose> {
  private specs: ButtonSpec[] = [];
  private index = 0;

  static override _template(): Lightning.Component.Template<Loose> {
    // Flex lays the buttons out by their measured widths.
    return { h: 96, Items: { flex: { direction: 'row' } } };
  }

  /** Centred on the row's x whatever the buttons' measured widths: the flex box is anchored at its middle. */
  set centred(on: boolean) {
    this.tag('Items').patch({ mountX: on ? 0.5 : 0 });
  }

  set rowId(id: string) {
    setTestId(this, `row-${id}`);
  }

  set buttons(specs: ButtonSpec[]) {
    this.specs = specs;
    this.index = Math.min(this.index, Math.max(0, specs.length - 1));
    this.tag('Items').children = specs.map((b) => ({
      type: Button,
      label: b.label,
      buttonId: b.id,
      flexItem: { marginRight: 28 },
    }));
  }

  get buttons(): ButtonSpec[] {
    return this.specs;
  }

  get length(): number {
    return this.specs.length;
  }

  get focusedButton(): ButtonSpec | null {
    return this.specs[this.index] ?? null;
  }

  setFocusIndex(index: number): void {
    this.index = index;
  }

  override _getFocused(): Lightning.Component | undefined {
    return this.tag('Items').children[this.index] as Lightning.Component | undefined;
  }
}
