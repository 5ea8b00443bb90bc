namespace NetKit.Sasl;

/// <summary>
/// A SASL exchange went wrong on our side's terms: an unknown mechanism, a malformed
/// challenge, or a server that could not prove it knows the password (SCRAM).
/// </summary>
public sealed class SaslException(string message) : NetKitException(message);
