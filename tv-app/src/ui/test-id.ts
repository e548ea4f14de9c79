// `testId` is how browser tests find components: the Lightning inspector (test builds only)
// mirrors it as `data-testid`. In production builds it is a harmless plain property.
import type { Lightning } from '@lightningjs/sdk';

export function setTestId(element: Lightning.Element, id: string): void {
  (element as unknown as { testId?: string }).testId = id;
}
