"""Site capture: telling a problem report from group chatter in a plain sentence."""
