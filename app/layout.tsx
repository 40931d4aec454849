import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Berth", template: "%s · Berth" },
  description: "Self-service container hosting",
  icons: { icon: { url: "/favicon.svg", type: "image/svg+xml" } },
  // A private portal: besides robots.txt, ask crawlers that reach a page anyway not to index it.
  robots: { index: false, follow: false },
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
