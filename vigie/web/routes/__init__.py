"""The pages' routers, one per page family."""
