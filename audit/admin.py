# AccessRecord is deliberately not registered: the admin would let superusers (who read no case
# work, accounts/permissions.py) list case references, put them in its search URLs, and delete
# records. The QA Manager and the Data Protection Officer search them on their own page.
