import { describeRdsInstance } from '../test-support/rds-instance';

describeRdsInstance({
  type: 'postgres-instance',
  engine: 'postgres',
  port: 5432,
  devImplementation: 'CloudNativePG',
  devKinds: ['Cluster/shop-db'],
  outputsTitle: "outputs: score-k8s's host, port, username, password (refs for the secrets), plus name and database",
  patterns: [['dbName', '^[a-zA-Z][a-zA-Z0-9_]{0,62}$'], ['username', '^[a-zA-Z][a-zA-Z0-9_]{0,62}$'], ['engineVersion', '^[0-9]+(\\.[0-9]+)?$']],
});
