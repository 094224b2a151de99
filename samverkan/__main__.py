from samverkan import clock
from samverkan.cli import main

clock.shift_for_tests()
raise SystemExit(main())
