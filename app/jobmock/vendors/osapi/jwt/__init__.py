"""OSAPI's bearer tokens: how the controller parses and verifies an HS256 JWT (``tokens``,
``claims``), the roles and permissions it grants (``permissions``), the scope check in front of
every operation (``security``), and how ``jobmock token osapi`` signs one (``minting``)."""
