from samantha.cli import main

raise SystemExit(main())
