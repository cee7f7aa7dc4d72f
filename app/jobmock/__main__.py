from jobmock.cli import main

raise SystemExit(main())
