package dev.tokensmith.clients;

/** A global account that owns tenants; its global users live in its technical tenant. */
public record Partner(long id, String uuid, String name, long technicalClientId) {}
