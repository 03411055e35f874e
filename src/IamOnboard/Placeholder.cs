namespace IamOnboard;
internal static class ModPlaceholder { }
