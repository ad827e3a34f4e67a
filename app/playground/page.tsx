import type { Metadata } from "next";
import { ComingSoon } from "../components/coming-soon";

export const metadata: Metadata = { title: "Playground" };

export default function Page() {
  return (
    <ComingSoon
      title="Playground"
      issue={5}
      what="Generate with the FlexOlmo model and switch its experts on and off."
    />
  );
}
