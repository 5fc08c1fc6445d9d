"""HTTP views of the oath area: employee pages and HR (P&O) pages."""
