"""Empty on purpose: installing this project installs the pinned agentgate wheel."""
