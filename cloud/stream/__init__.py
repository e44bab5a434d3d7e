"""The live stream: new predictions, ticket changes and gateway status pushed to dashboards over SSE."""
