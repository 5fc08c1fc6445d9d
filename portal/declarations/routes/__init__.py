"""HTTP views of the declarations area: the employee's pages, "my data", and HR's campaigns."""

from portal.declarations.routes import campaigns, employee, my_data  # noqa: F401
