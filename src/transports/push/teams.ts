import { clip, facts, jsonRequest, type ChannelSpec } from './spec.js';

/**
 * Microsoft Teams through a Workflows (Power Automate) HTTP trigger: a message with one
 * Adaptive Card 1.4. The old Office 365 connector URLs are retired. Answers 202.
 */
export const teams: ChannelSpec = {
  type: 'teams',
  render(content) {
    const attention = content.event !== 'recovery' && (content.severity === 'critical' || content.severity === 'error');
    return jsonRequest('teams', {
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            body: [
              { type: 'TextBlock', text: clip(content.title, 500), weight: 'Bolder', size: 'Medium', wrap: true, color: attention ? 'Attention' : content.event === 'recovery' ? 'Good' : 'Warning' },
              { type: 'TextBlock', text: clip(content.text, 2000), wrap: true },
              { type: 'FactSet', facts: facts(content).map(([title, value]) => ({ title, value })) },
            ],
          },
        },
      ],
    });
  },
  prepare: ({ stored, url }) => ({ url, headers: stored.headers, body: stored.body }),
};
