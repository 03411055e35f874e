namespace IamOnboard;
internal static class LocalPlaceholder { }
