"""Storage on real databases: models against migrations, repositories, migrations up and down."""
