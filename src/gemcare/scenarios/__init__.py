"""The scenario runner (RULEBOOK §8): plays scenario files through the services."""
