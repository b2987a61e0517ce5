import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deliveryLine } from '../../src/admin/format.js';
import type { DeliveryHealth } from '../../src/domain/summary.js';
import type { Summary } from '../../src/domain/summary-build.js';

const health: DeliveryHealth = { sent: 5, queuedLocally: 0, failed: 0, expired: 0, stuck: 0, stuckInMta: 0 };
const line = (delivery: DeliveryHealth) => deliveryLine({ delivery } as Summary);

test('the summary’s delivery line counts possible duplicates, and says nothing when there are none', () => {
  assert.match(line({ ...health, possibleDuplicates: 2 }), /possible duplicates: 2 \(sent again after an attempt whose outcome is unknown\)/);
  assert.doesNotMatch(line({ ...health, possibleDuplicates: 0 }), /duplicate/);
  assert.doesNotMatch(line(health), /duplicate/);
});
