import { describeRdsInstance } from '../test-support/rds-instance';

describeRdsInstance({
  type: 'mysql',
  engine: 'mysql',
  port: 3306,
  devImplementation: 'a StatefulSet',
  devKinds: ['ExternalSecret/shop-db-credentials', 'Password/shop-db-credentials', 'Service/shop-db', 'StatefulSet/shop-db'],
  outputsTitle: "outputs: score-k8s's host, port, name, database, username, password (refs for the secrets)",
  patterns: [['dbName', '^[a-zA-Z][a-zA-Z0-9_]{0,62}$'], ['username', '^[a-zA-Z][a-zA-Z0-9_]{0,31}$'], ['engineVersion', '^[0-9]+\\.[0-9]+(\\.[0-9]+)?$']],
});
