from samantha.cli.parser import main

raise SystemExit(main())
