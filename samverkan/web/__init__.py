"""What every area's handlers share: authentication, guards, errors, templates."""
