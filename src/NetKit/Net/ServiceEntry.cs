namespace NetKit.Net;

/// <summary>One line of a services table: the official name, its port and protocol, and its aliases.</summary>
public sealed record ServiceEntry(string Name, int Port, string Protocol, IReadOnlyList<string> Aliases);
