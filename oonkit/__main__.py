from oonkit.cli import main

raise SystemExit(main())
